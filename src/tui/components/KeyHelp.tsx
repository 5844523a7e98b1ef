import { Text } from 'ink';
import type { KeyHelpItem } from '../keymap.js';
import { textWidth } from '../layout.js';
import type { Theme } from '../theme.js';

const GAP = '  ';

/** The keys that work now, as many as fit on one line. */
export function KeyHelp({ items, width, theme }: { items: KeyHelpItem[]; width: number; theme: Theme }) {
  const shown: KeyHelpItem[] = [];
  let used = 0;
  for (const item of items) {
    const cost = textWidth(`${item.keys} ${item.help}`) + (shown.length > 0 ? GAP.length : 0);
    if (used + cost > width) break;
    shown.push(item);
    used += cost;
  }
  return (
    <Text wrap="truncate-end">
      {shown.map((item, index) => (
        <Text key={item.keys + item.help}>
          {index > 0 ? GAP : ''}
          <Text {...theme.tone.accent}>{item.keys}</Text> <Text {...theme.tone.muted}>{item.help}</Text>
        </Text>
      ))}
    </Text>
  );
}
