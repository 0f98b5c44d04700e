/** An MCP URL whose server accepts connections and never answers a byte: the worst kind of slow. */
import net from 'node:net';

export interface HangingServer {
  url: string;
  close(): Promise<void>;
}

export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/mcp`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL nothing listens on (port 9, discard, closed on any test machine): a dead server. */
export const DEAD_MCP_URL = 'http://127.0.0.1:9/mcp';
