/** Fake Gmail and Slack MCP servers with the tool names and arguments of Composio's toolkits; they record what was sent. */
import { type FakeMcpOptions, type FakeMcpServer, startFakeMcpServer, text } from './server.js';

export interface SentEmail {
  recipient_email: string;
  subject?: string;
  body?: string;
  is_html?: boolean;
}

export interface FakeGmail extends FakeMcpServer {
  sent: SentEmail[];
}

type AuthOptions = Pick<FakeMcpOptions, 'bearer' | 'apiKey' | 'delayMs'>;

export async function startFakeGmail(options: AuthOptions = {}): Promise<FakeGmail> {
  const sent: SentEmail[] = [];
  const server = await startFakeMcpServer({
    ...options,
    name: 'fake-gmail',
    tools: [
      {
        name: 'GMAIL_SEND_EMAIL',
        description: 'Send an email from the connected Gmail account.\nSupports plain text and HTML bodies.',
        inputSchema: {
          type: 'object',
          properties: {
            recipient_email: { type: 'string', description: 'Address of the recipient' },
            subject: { type: 'string', description: 'Subject line' },
            body: { type: 'string', description: 'Message body' },
            is_html: { type: 'boolean', default: false, description: 'Whether the body is HTML' },
          },
          required: ['recipient_email'],
        },
        annotations: { readOnlyHint: false, destructiveHint: true },
        handler: (args) => {
          const email = args as unknown as SentEmail;
          if (typeof email.recipient_email !== 'string' || !email.recipient_email.includes('@')) {
            return {
              content: [{ type: 'text', text: `Invalid recipient_email: ${String(email.recipient_email)}` }],
              isError: true,
            };
          }
          sent.push(email);
          return text(`Email sent to ${email.recipient_email} (message id msg_${sent.length})`);
        },
      },
      {
        name: 'GMAIL_FETCH_EMAILS',
        description: 'List recent emails in the inbox.',
        inputSchema: { type: 'object', properties: { max_results: { type: 'integer', default: 5 } } },
        annotations: { readOnlyHint: true },
        handler: (args) =>
          text(
            JSON.stringify(
              Array.from({ length: Number(args.max_results ?? 2) }, (_, i) => ({
                id: `m${i + 1}`,
                from: 'carol@example.com',
                subject: `Report ${i + 1}`,
              })),
            ),
          ),
      },
    ],
  });
  return Object.assign(server, { sent });
}

export interface SlackMessage {
  channel: string;
  markdown_text?: string;
}

export interface FakeSlack extends FakeMcpServer {
  messages: SlackMessage[];
}

export async function startFakeSlack(options: AuthOptions = {}): Promise<FakeSlack> {
  const messages: SlackMessage[] = [];
  const server = await startFakeMcpServer({
    ...options,
    name: 'fake-slack',
    tools: [
      {
        name: 'SLACK_SEND_MESSAGE',
        description: 'Post a message to a Slack channel.',
        inputSchema: {
          type: 'object',
          properties: {
            channel: { type: 'string', description: 'Channel name or id, e.g. team' },
            markdown_text: { type: 'string', description: 'The message, in Markdown' },
          },
          required: ['channel', 'markdown_text'],
        },
        annotations: { readOnlyHint: false },
        handler: (args) => {
          const message = {
            channel: String(args.channel).replace(/^#/, ''),
            markdown_text: String(args.markdown_text ?? ''),
          };
          messages.push(message);
          return text(
            `Posted to #${message.channel} (ts 1700000000.${String(messages.length).padStart(6, '0')})`,
          );
        },
      },
    ],
  });
  return Object.assign(server, { messages });
}

/** A tiny weather server: the kind of third-party MCP server users point GAGENT_MCP_<NAME>_URL at. */
export function startFakeWeather(
  options: AuthOptions & { pageSize?: number; rawTools?: unknown[] } = {},
): Promise<FakeMcpServer> {
  return startFakeMcpServer({
    ...options,
    name: 'weather',
    tools: [
      {
        name: 'get_forecast',
        description: 'Get the forecast for a city.',
        inputSchema: {
          type: 'object',
          properties: { city: { type: 'string' }, days: { type: 'integer', default: 1 } },
          required: ['city'],
        },
        annotations: { readOnlyHint: true },
        handler: (args) => {
          if (args.city === 'Atlantis')
            return { content: [{ type: 'text', text: 'Unknown city: Atlantis' }], isError: true };
          return text(`Forecast for ${String(args.city)}: sunny, ${Number(args.days ?? 1)} day(s)`);
        },
      },
      {
        name: 'slow_report',
        description: 'A long report that sends progress while it works.',
        inputSchema: {
          type: 'object',
          properties: { steps: { type: 'integer' }, stepMs: { type: 'integer' } },
        },
        annotations: { readOnlyHint: true },
        handler: async (args, extra) => {
          const steps = Number(args.steps ?? 3);
          for (let i = 1; i <= steps; i++) {
            await new Promise((resolve) => setTimeout(resolve, Number(args.stepMs ?? 100)));
            await extra.sendProgress(i, steps);
          }
          return text(`report done after ${steps} steps`);
        },
      },
    ],
  });
}
