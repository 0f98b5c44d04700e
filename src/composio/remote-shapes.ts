/** What gagent reads from Composio's answers, as small plain types (the SDK's own types stay inside composio-api.ts). */
import { z } from 'zod';

export interface RemoteAuthConfig {
  id: string;
  toolkit: string;
  status: string;
  authScheme: string | null;
  managed: boolean;
}

export interface RemoteToolkit {
  slug: string;
  name: string;
}

export interface RemoteAccount {
  id: string;
  /** Composio marks user_id deprecated; present on current responses, checked when present. */
  userId: string | null;
  authConfigId: string;
  toolkit: string;
  status: string;
  statusReason: string | null;
  /** When Composio last changed it (ISO), for picking the most recent of several. */
  updatedAt: string | null;
}

export interface McpEndpoint {
  url: string;
  headers: Record<string, string>;
}

export type AccountLike = {
  id: string;
  status: string;
  statusReason?: string | null;
  updatedAt?: string;
  authConfig?: { id?: string };
  toolkit?: { slug?: string };
  user_id?: string;
};

export function toAccount(raw: AccountLike): RemoteAccount {
  return {
    id: raw.id,
    userId: typeof raw.user_id === 'string' ? raw.user_id : null,
    authConfigId: raw.authConfig?.id ?? '',
    toolkit: raw.toolkit?.slug ?? '',
    status: raw.status,
    statusReason: raw.statusReason ?? null,
    updatedAt: typeof raw.updatedAt === 'string' ? raw.updatedAt : null,
  };
}

/** The parts of Composio's toolkit answers gagent reads. */
export const ToolkitAnswer = z.object({ slug: z.string().min(1), name: z.string().optional() });
export const ToolkitPage = z.object({
  items: z.array(z.object({ slug: z.string().min(1) })),
  next_cursor: z.string().nullish(),
});
