/**
 * The lessons' currency rule, pure: a file that names a retired tool or an unsupported version must
 * also say so (lessons/retired-terms.yaml lists the terms, what to say, and how to recognise it).
 */
export interface RetiredTerm {
  /** A regular expression (case-sensitive) for the name. */
  term: string;
  /** The status to say, for the message. */
  status: string;
  /** A regular expression (case-insensitive) that recognises the status said. */
  says: string;
}

export interface StaleMention {
  term: string;
  status: string;
  /** 1-based line of the first mention. */
  line: number;
}

/** Each term the text names without saying its status anywhere in the same text. */
export function staleMentions(text: string, terms: RetiredTerm[]): StaleMention[] {
  return terms.flatMap((term) => {
    const name = new RegExp(term.term);
    const found = name.exec(text);
    if (!found || new RegExp(term.says, 'i').test(text)) return [];
    return [{ term: found[0], status: term.status, line: text.slice(0, found.index).split('\n').length }];
  });
}
