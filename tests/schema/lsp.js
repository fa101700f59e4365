// tests/schema/lsp.js SERVER SCHEMA FILE LINE:COL... -- drive the real
// yaml-language-server over LSP (stdio) on FILE, which names SCHEMA in a
// modeline, as an editor would.  Prints one JSON line:
//   {"diagnostics": [{line, col, message}], "completion": [labels]}
// with 1-based positions; completion is asked at each LINE:COL given
// (labels of all of them, merged).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const [server, schema, file, ...where] = process.argv.slice(2);
const uri = 'file://' + fs.realpathSync(file);
const text = fs.readFileSync(file, 'utf8');
const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
let buf = Buffer.alloc(0), id = 0;
const pending = new Map();
const result = { diagnostics: null, completion: [] };

function send(msg) {
    const body = Buffer.from(JSON.stringify(Object.assign({ jsonrpc: '2.0' }, msg)));
    child.stdin.write('Content-Length: ' + body.length + '\r\n\r\n');
    child.stdin.write(body);
}
function request(method, params) {
    return new Promise((resolve) => { pending.set(++id, resolve); send({ id, method, params }); });
}
function settings(section) {
    if (section === 'yaml')
        return { validate: true, completion: true, hover: true, schemaStore: { enable: false },
                 schemas: { ['file://' + fs.realpathSync(schema)]: '*.yaml' } };
    return null;
}
function onMessage(m) {
    if (m.id !== undefined && m.method) { // a request from the server
        const r = m.method === 'workspace/configuration'
            ? m.params.items.map((i) => settings(i.section)) : null;
        send({ id: m.id, result: r });
    } else if (m.id !== undefined && pending.has(m.id)) {
        pending.get(m.id)(m.result);
        pending.delete(m.id);
    } else if (m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri &&
               m.params.diagnostics.length && !result.diagnostics) {
        result.diagnostics = m.params.diagnostics.map((d) => ({
            line: d.range.start.line + 1, col: d.range.start.character + 1, message: d.message }));
        gotDiagnostics();
    }
}
child.stdout.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.slice(0, head).toString())[1]);
        if (buf.length < head + 4 + len) return;
        const body = buf.slice(head + 4, head + 4 + len).toString();
        buf = buf.slice(head + 4 + len);
        onMessage(JSON.parse(body));
    }
});
let gotDiagnostics;
const diagnosed = new Promise((resolve) => { gotDiagnostics = resolve; });
const timer = setTimeout(() => { console.log(JSON.stringify({ error: 'timeout', partial: result })); process.exit(1); }, 60000);

(async () => {
    await request('initialize', { processId: process.pid, rootUri: null,
        capabilities: { workspace: { configuration: true },
                        textDocument: { completion: { completionItem: { snippetSupport: false } } } } });
    send({ method: 'initialized', params: {} });
    send({ method: 'workspace/didChangeConfiguration', params: { settings: {} } });
    send({ method: 'textDocument/didOpen',
           params: { textDocument: { uri, languageId: 'yaml', version: 1, text } } });
    await diagnosed;
    for (const w of where) {
        const [line, col] = w.split(':').map(Number);
        const r = await request('textDocument/completion',
            { textDocument: { uri }, position: { line: line - 1, character: col - 1 } });
        const items = Array.isArray(r) ? r : (r && r.items) || [];
        for (const it of items) result.completion.push(it.label);
    }
    await request('shutdown', null);
    send({ method: 'exit' });
    clearTimeout(timer);
    console.log(JSON.stringify(result));
})();
