/** `share` v1: an item was shared to a channel. */
import { z } from 'zod';
import { idSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const shareChannels = [
  'email',
  'facebook',
  'x',
  'whatsapp',
  'pinterest',
  'copy_link',
  'other',
] as const;

export const shareV1Schema = defineStorefrontEvent('share', {
  itemId: idSchema,
  channel: z.enum(shareChannels),
});
export type ShareV1 = z.infer<typeof shareV1Schema>;
