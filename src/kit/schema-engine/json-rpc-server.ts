/**
 * The schema engine's side of the Prisma CLI's JSON-RPC protocol, as the native engine speaks it:
 * one request per line on stdin, one response per line on stdout, answered one at a time in
 * order, and requests the other way (the engine asks the CLI to `print` `migrate diff` output)
 * answered by the CLI on stdin. Nothing here knows about Prisma: rpc-handlers.ts answers the
 * methods, main.ts wires the two. test/kit/schema-engine/json-rpc-server.test.ts drives it with
 * a fake table.
 */
import { createInterface } from 'node:readline';

export interface RpcRequest {
  id: number | string;
  method: string;
  params?: Record<string, unknown>;
}

/** What a failed request answers: the engine's error in the CLI's shape, and whether to exit after it. */
export interface RpcFailure {
  error: Record<string, unknown>;
  /** A panicked engine can't be trusted with another request: the native one exits 101. */
  exitCode?: number;
}

export interface RpcIo {
  input: NodeJS.ReadableStream;
  write(line: string): void;
  exit(code: number): void;
}

export interface JsonRpcServer {
  /** Sends a request to the CLI (the other way) and resolves with its answer. */
  requestCli(method: string, params: Record<string, unknown>): Promise<unknown>;
}

export interface ServeOptions {
  handle(request: RpcRequest, server: JsonRpcServer): Promise<unknown>;
  fail(request: RpcRequest, error: unknown): RpcFailure;
  /** Runs before each request (clears what belonged to the previous one). */
  beforeEach?(): void;
}

export interface RunningServer {
  /**
   * Fails the request in flight with `error`; false when none is. Some wasm failures (a request
   * it can't deserialize) are thrown from a detached task instead of rejecting the call's
   * promise: main.ts hands them here from process's 'uncaughtException'.
   */
  failRequestInFlight(error: unknown): boolean;
}

export function serveJsonRpc(io: RpcIo, options: ServeOptions): RunningServer {
  const send = (message: Record<string, unknown>) => io.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

  let nextCliRequest = 1;
  const pendingCli = new Map<number, (result: unknown) => void>();
  const server: JsonRpcServer = {
    requestCli: (method, params) =>
      new Promise((resolve) => {
        const id = nextCliRequest++;
        pendingCli.set(id, resolve);
        send({ id, method, params });
      }),
  };

  let failInFlight: ((error: unknown) => void) | undefined;
  const settle = (request: RpcRequest) =>
    new Promise<unknown>((resolve, reject) => {
      failInFlight = reject;
      options.handle(request, server).then(resolve, reject);
    }).finally(() => (failInFlight = undefined));

  let queue = Promise.resolve();
  const lines = createInterface({ input: io.input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as RpcRequest & { result?: unknown };
    if (message.method === undefined) {
      // The CLI's answer to one of our requests.
      pendingCli.get(Number(message.id))?.(message.result);
      pendingCli.delete(Number(message.id));
      return;
    }
    queue = queue.then(async () => {
      options.beforeEach?.();
      try {
        const result = await settle(message);
        send({ id: message.id, result: result ?? {} });
      } catch (caught) {
        const failure = options.fail(message, caught);
        send({ id: message.id, error: failure.error });
        if (failure.exitCode !== undefined) io.exit(failure.exitCode);
      }
    });
  });
  lines.on('close', () => {
    void queue.then(() => io.exit(0));
  });
  return {
    failRequestInFlight(error) {
      if (!failInFlight) return false;
      failInFlight(error);
      return true;
    },
  };
}
