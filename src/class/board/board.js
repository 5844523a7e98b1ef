// The class board: draws GET /api/stream's `board` events into a learners x stages grid.
// Plain script, no build step. Names come from learners: only ever set as text, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children || []) node.append(child);
  return node;
}

function cellOf(learner, stage) {
  const cell = learner.cells[stage.id];
  const box = el('span', { className: 'cell' });
  box.dataset.learner = learner.id;
  box.dataset.stage = stage.id;
  if (!cell) {
    box.textContent = '·';
    box.title = `${learner.name}: ${stage.title} — not checked yet`;
    box.dataset.state = 'none';
    return box;
  }
  box.dataset.state = cell.state;
  const star = cell.challenge === 'passed' ? ' ★' : '';
  if (cell.state === 'passed') {
    box.classList.add('passed');
    box.textContent = `✔${star}`;
    box.title = `${learner.name}: ${stage.title} passed${cell.warns ? ` (${cell.warns} warning${cell.warns > 1 ? 's' : ''})` : ''}`;
  } else {
    box.classList.add(cell.fails > 0 ? 'failed' : 'warned');
    box.textContent = `✖ ${cell.fails || cell.warns}${star}`;
    box.title = `${learner.name}: ${stage.title} — failing: ${cell.failing || 'a check'}${cell.hintsUsed ? ` (${cell.hintsUsed} hint${cell.hintsUsed > 1 ? 's' : ''} shown)` : ''}`;
  }
  return box;
}

function draw(board) {
  $('demo').hidden = !board.demo;
  const head = $('stages');
  head.replaceChildren(el('th', { className: 'who', textContent: `learner (${board.learners.length})` }), ...board.stages.map((s, i) => el('th', { textContent: `${i + 1}. ${s.id}`, title: s.title })));
  $('learners').replaceChildren(
    ...board.learners.map((learner) => {
      const name = el('td', { className: 'who', title: learner.name }, learner.hand ? [el('span', { className: 'hand-badge', textContent: 'hand' }), learner.name] : [learner.name]);
      if (learner.hand && learner.hand.message) name.append(el('span', { className: 'hand-message', textContent: learner.hand.message }));
      const row = el('tr', { className: learner.hand ? 'hand' : '' }, [name, ...board.stages.map((stage) => el('td', {}, [cellOf(learner, stage)]))]);
      row.dataset.learner = learner.id;
      return row;
    }),
  );
  $('empty').hidden = board.learners.length > 0;
  // A class of 30 fits a 1280x720 screen in rows of half the height.
  document.body.classList.toggle('dense', board.learners.length > 14);
  const c = board.counters || {};
  $('counters').textContent = `events ${c.accepted || 0} · rejected ${(c.rejected || 0) + (c.forged || 0)} · rate-limited ${c.rateLimited || 0}`;
}

function connect() {
  const stream = new EventSource('/api/stream');
  stream.addEventListener('board', (message) => draw(JSON.parse(message.data)));
  stream.onopen = () => {
    $('live').textContent = 'live';
    $('live').classList.remove('off');
  };
  // EventSource reconnects by itself (the server asks for 1 s); the badge says it is trying.
  stream.onerror = () => {
    $('live').textContent = 'reconnecting…';
    $('live').classList.add('off');
  };
}

connect();
