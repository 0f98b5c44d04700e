/** Where Composio's API lives: COMPOSIO_BASE_URL, else Composio's own host. */
export const DEFAULT_COMPOSIO_BASE_URL = 'https://backend.composio.dev';

export function composioBaseUrl(configured: string | undefined): string {
  return configured ?? DEFAULT_COMPOSIO_BASE_URL;
}
