// What the bundle gives cli-highlight (marked-terminal's highlighter) for `highlight.js`: its core and
// the languages a lesson's code can be in, instead of all 190 (1.3 MB of the interface's 3). A block
// in a language not here is shown unhighlighted (marked-terminal's own fallback), and one without a
// language is guessed among these. scripts/build.js; test/unit/highlight-languages.test.ts.
const hljs = require('highlight.js/lib/core');

// Each by name, so that the bundler finds it.
hljs.registerLanguage('bash', require('highlight.js/lib/languages/bash'));
hljs.registerLanguage('shell', require('highlight.js/lib/languages/shell'));
hljs.registerLanguage('dockerfile', require('highlight.js/lib/languages/dockerfile'));
hljs.registerLanguage('yaml', require('highlight.js/lib/languages/yaml'));
hljs.registerLanguage('json', require('highlight.js/lib/languages/json'));
hljs.registerLanguage('ini', require('highlight.js/lib/languages/ini'));
hljs.registerLanguage('javascript', require('highlight.js/lib/languages/javascript'));
hljs.registerLanguage('typescript', require('highlight.js/lib/languages/typescript'));
hljs.registerLanguage('plaintext', require('highlight.js/lib/languages/plaintext'));
module.exports = hljs;
