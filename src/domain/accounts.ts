/** The states of a connected account, as `status --json` shows them. */
export const ACCOUNT_STATUSES = [
  'NOT_CONNECTED',
  'INITIATED',
  'ACTIVE',
  'FAILED',
  'EXPIRED',
  'DISCONNECTED',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
