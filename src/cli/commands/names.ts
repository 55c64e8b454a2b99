/** The spellings of one generated name: `BlogPost`, `blogPost`, `blog-post`, `blog_post`, `blog-posts`. */
import { ImproperlyConfigured } from '../../index';

export interface Names {
  pascal: string;
  camel: string;
  kebab: string;
  snake: string;
  /** The kebab plural, for URLs and template folders. */
  plural: string;
  /** Words for text: `blog post`. */
  words: string;
  /** `a blog post`, `an article`. */
  one: string;
}

function pluralOf(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

export function namesOf(input: string): Names {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(input)) {
    throw new ImproperlyConfigured(
      'CLI_GENERATE_NAME',
      `'${input}' is not a name rondo generate can use: start with a letter, then letters, digits, '-' or '_' (e.g. BlogPost)`,
    );
  }
  const words = input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_ ]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const last = words.length - 1;
  return {
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    kebab: words.join('-'),
    snake: words.join('_'),
    plural: [...words.slice(0, last), pluralOf(words[last])].join('-'),
    words: words.join(' '),
    one: `${/^[aeiou]/.test(words[0]) ? 'an' : 'a'} ${words.join(' ')}`,
  };
}
