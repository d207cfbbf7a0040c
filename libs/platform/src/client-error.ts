/**
 * Answers requests that fail before any route sees them (malformed HTTP, headers over the server's
 * limit, a client too slow to send them) with the platform's error body, so even these carry a stable
 * `error.code` (`HTTP_400`, `HTTP_408`, `HTTP_431`) instead of Fastify's own shape.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

const STATUS_BY_NODE_CODE: Readonly<Record<string, number>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

const MESSAGES: Readonly<Record<number, string>> = {
  400: 'the request is not valid HTTP',
  408: 'the request was not received in time',
  431: 'the request line and headers are larger than the server accepts',
};

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = STATUS_BY_NODE_CODE[error.code ?? ''] ?? 400;
  const body = JSON.stringify({
    error: { code: `HTTP_${status}`, message: MESSAGES[status], retriable: status === 408 },
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
