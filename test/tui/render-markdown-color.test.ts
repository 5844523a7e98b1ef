import { describe, expect, it } from '@jest/globals';

// chalk decides its colour level when first imported, so colour is forced before the renderer loads.
process.env.FORCE_COLOR = '1';
const { renderMarkdown } = await import('../../src/lessons/render-markdown.js');
const { textWidth } = await import('../../src/lessons/text-width.js');

const lesson = `# Load balancing

HAProxy sends each request to the **next server** in turn: \`balance roundrobin\` in the \`webservers\` backend, with an access log on stdout so \`docker logs simple_haproxy_1\` shows where every request went.

\`\`\`sh step=lb
docker run -d --name simple_haproxy_1 --network simple-network -p 127.0.0.1:8181:80 -v "$PWD/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" localhost:5000/simple-haproxy
\`\`\`

| load balancer | port |
|---------------|------|
| simple_haproxy_1 | 8181 |
`;

describe('renderMarkdown with colour', () => {
  it('colours the lesson', () => {
    expect(renderMarkdown(lesson, 60, true)).toContain('\u001b[');
  });

  it('keeps every coloured line within the width', () => {
    for (const line of renderMarkdown(lesson, 60, true).split('\n')) expect(textWidth(line)).toBeLessThanOrEqual(60);
  });

  it('still has no escape codes when colour is off', () => {
    expect(renderMarkdown(lesson, 60, false)).not.toContain('\u001b');
  });
});
