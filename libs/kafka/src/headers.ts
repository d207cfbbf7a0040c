/** Kafka headers as plain strings (kafkajs hands them over as Buffers, possibly repeated). */
import type { IHeaders } from 'kafkajs';

export function flattenHeaders(headers: IHeaders | undefined): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) flat[name] = String(Array.isArray(value) ? value[0] : value);
  }
  return flat;
}
