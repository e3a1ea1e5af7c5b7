/**
 * Makes every TCP connection to a host other than 127.0.0.1, localhost or ::1 throw in this
 * process, so that no default (the Anthropic API, an AWS endpoint, the instance metadata
 * address) is ever contacted. The handler tests and the benchmark's child processes install it.
 */
import { Socket } from 'node:net';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

type Connect = (this: Socket, ...args: unknown[]) => Socket;

/**
 * Patches net.Socket.prototype.connect, which node:http, node:https and fetch all use, and
 * returns a function that removes the patch.
 */
export function installLoopbackGuard(): () => void {
  const prototype = Socket.prototype as unknown as { connect: Connect };
  const connect = prototype.connect;
  prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]): Socket {
    const [first] = args;
    const options = (Array.isArray(first) ? first[0] : first) as { host?: unknown } | number;
    const host = typeof options === 'object' ? options.host : args[1];
    if (typeof host === 'string' && !LOOPBACK_HOSTS.has(host)) {
      throw new Error(`Blocked a connection to ${host}; only loopback is allowed here.`);
    }
    return connect.apply(this, args);
  };
  return () => {
    prototype.connect = connect;
  };
}
