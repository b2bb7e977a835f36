/**
 * A post's URL slug: "Crème brûlée & Łódź, straße!" → "creme-brulee-and-lodz-strasse". The app computes it on
 * every write, and the post-slug backfill (src/backfills/post-slug.ts) calls this same function for
 * older rows, so both agree byte for byte. It can't move into SQL: it relies on Unicode property
 * classes (\p{…}), which PostgreSQL's regular expressions don't have.
 */
const SPELLED_OUT: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  þ: 'th',
  '&': ' and ',
};

export function postSlug(title: string, maxLength = 80): string {
  const spelled = title.toLowerCase().replace(/[ßæœøłđþ&]/gu, (letter) => SPELLED_OUT[letter]!);
  const words = spelled
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .split(/[^\p{Letter}\p{Number}]+/u)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug || 'post';
}
