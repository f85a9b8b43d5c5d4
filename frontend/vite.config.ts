import { mkdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes .build/sizes.json (outside dist/, so it is not served): for each
 * page entry — the shell, and each role's lazily loaded chunk — the
 * gzipped JavaScript a browser fetches to show it (the shell plus the
 * chunk and everything they import statically). Also puts back
 * dist/.gitkeep, which the clean build removes and the Go embed needs.
 */
function buildReport(): Plugin {
  return {
    name: 'dichtbij-build-report',
    apply: 'build',
    generateBundle(_opts, bundle) {
      const chunks = new Map<string, { code: string; imports: string[]; css: string[] }>();
      const css = new Map<string, number>();
      let shell = '';
      const pages: string[] = [];
      for (const [file, out] of Object.entries(bundle)) {
        if (out.type === 'chunk') {
          const meta = (out as unknown as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata;
          chunks.set(file, { code: out.code, imports: out.imports, css: [...(meta?.importedCss ?? [])] });
          if (out.isEntry) shell = file;
          else if (out.isDynamicEntry) pages.push(file);
        } else if (file.endsWith('.css')) {
          css.set(file, gzipSync(out.source as string | Uint8Array, { level: 9 }).length);
        }
      }
      const closure = (roots: string[]) => {
        const seen = new Set<string>();
        const walk = (f: string) => {
          if (seen.has(f) || !chunks.has(f)) return;
          seen.add(f);
          chunks.get(f)!.imports.forEach(walk);
        };
        roots.forEach(walk);
        return [...seen];
      };
      const gz = (files: string[]) => files.reduce((n, f) => n + gzipSync(chunks.get(f)!.code, { level: 9 }).length, 0);
      const cssOf = (files: string[]) => [...new Set(files.flatMap((f) => chunks.get(f)!.css))];
      const report: Record<string, { js_gzip_bytes: number; css_gzip_bytes: number; files: string[] }> = {};
      for (const [name, roots] of [['shell', [shell]], ...pages.map((p) => [basename(p).replace(/-[\w-]{8}\.js$/, ''), [shell, p]])] as [string, string[]][]) {
        const files = closure(roots);
        const cssFiles = cssOf(files);
        report[name] = { js_gzip_bytes: gz(files), css_gzip_bytes: cssFiles.reduce((n, f) => n + (css.get(f) ?? 0), 0), files: [...files, ...cssFiles] };
      }
      mkdirSync('.build', { recursive: true });
      writeFileSync('.build/sizes.json', JSON.stringify(report, null, 2) + '\n');
    },
    closeBundle() {
      writeFileSync('dist/.gitkeep', '');
    },
  };
}

// The portal is served by the Go binary under a strict CSP
// (script-src 'self'; style-src 'self'): nothing inline may end up in
// dist/index.html. Vite emits the entry as <script type="module" src>
// and CSS as <link>; the module preload polyfill (inline code) is off.
export default defineConfig({
  base: '/',
  plugins: [buildReport()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0, // no data: URLs: every asset is a file of its own
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/readyz': 'http://127.0.0.1:8080' },
  },
});
