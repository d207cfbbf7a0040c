import { AppError } from '@recsys/contracts';
import { InMemoryRecommendationReader } from '@recsys/recommendation';
import { readerUntil } from './reader-until';

describe('readerUntil', () => {
  it('reads until the deadline and refuses every read after it', async () => {
    let nowMs = 1_000;
    const reader = readerUntil(new InMemoryRecommendationReader(), 1_500, () => nowMs);
    await expect(reader.readItems(['a'])).resolves.toBeInstanceOf(Map);
    nowMs = 1_501;
    await expect(reader.readItems(['a'])).rejects.toEqual(expect.any(AppError));
    await expect(reader.readUser('u')).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});
