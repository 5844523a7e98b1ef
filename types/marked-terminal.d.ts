/** The part of marked-terminal 7 the lab uses; the package ships no types (see DEPS.md). */
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';

  type Style = (text: string) => string;

  export interface TerminalRendererOptions {
    code?: Style;
    blockquote?: Style;
    html?: Style;
    heading?: Style;
    firstHeading?: Style;
    hr?: Style;
    listitem?: Style;
    list?: (body: string, ordered: boolean, indent: string) => string;
    table?: Style;
    paragraph?: Style;
    strong?: Style;
    em?: Style;
    codespan?: Style;
    del?: Style;
    link?: Style;
    href?: Style;
    text?: Style;
    image?: (href: string, title: string, text: string) => string;
    unescape?: boolean;
    emoji?: boolean;
    width?: number;
    showSectionPrefix?: boolean;
    reflowText?: boolean;
    tab?: number | string;
    /** Passed to cli-table3. */
    tableOptions?: Record<string, unknown>;
  }

  /** Options for cli-highlight, used for fenced code when colour is on. */
  export type HighlightOptions = Record<string, unknown>;

  export function markedTerminal(options?: TerminalRendererOptions, highlightOptions?: HighlightOptions): MarkedExtension;
}
