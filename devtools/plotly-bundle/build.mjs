// Builds static/vendor/plotly/plotly-effektspor.min.js from index.js: `npm ci && npm run build` (README.md).
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const plotly = JSON.parse(readFileSync(new URL('./node_modules/plotly.js/package.json', import.meta.url)));
const outfile = new URL('../../static/vendor/plotly/plotly-effektspor.min.js', import.meta.url).pathname;

// The attributes' descriptions (plotly's schema documentation: some 120 kB) are never read when drawing; plotly's
// own dist bundles leave them out too. Only literal forms are dropped, a single-quoted string or an array of them
// joined, which ends its property; a description written any other way stays. `description:` with no space before the colon is a property,
// never the middle of a ternary.
const QUOTED = String.raw`'(?:[^'\\\n]|\\.)*'`;
const DESCRIPTION = new RegExp(
  String.raw`(?<![\w$.'"])description:\s*(?:${QUOTED}|\[(?:\s*${QUOTED}\s*,?)*\s*\]\.join\(${QUOTED}\))\s*(?:,|(?=\}))`,
  'g',
);
const dropDescriptions = {
  name: 'drop-descriptions',
  setup(b) {
    b.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replace(DESCRIPTION, ''), loader: 'js' };
    });
  },
};

await build({
  entryPoints: ['index.js'],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'Plotly',
  target: 'es2016',
  // As plotly.js's own build (esbuild-config.js in its package).
  define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
  // The only stylesheet reached is maplibre-gl's, required when a map trace is registered: none is.
  loader: { '.css': 'empty' },
  plugins: [dropDescriptions],
  legalComments: 'none',
  banner: {
    js:
      `/** plotly.js ${plotly.version} (Effektspor: scatter, bar, scatterpolar - minified), MIT licence, ` +
      'https://github.com/plotly/plotly.js; built by devtools/plotly-bundle */',
  },
  logLevel: 'info',
});
