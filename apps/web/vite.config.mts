import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = dirname(fileURLToPath(import.meta.url));

// The dashboard, built into dist/web and served by the platform at `/` (no CDN at run time:
// fonts are the system's, icons and charts are bundled). Plain Vite: TSX is compiled by Vite's own
// transformer with React's automatic JSX runtime.
export default defineConfig({
  root: here,
  base: '/',
  publicDir: resolve(here, 'public'),
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [
    // The dashboard as an installable app whose shell opens without signal (technicians in
    // stairwells and shafts): a Workbox service worker precaches the built files; data the
    // screens need offline is kept by the app itself (api/offlineCache.ts), records go through
    // the visit outbox. Registered by the dashboard only, never by the cars' public pages, so a
    // passenger's phone downloads nothing in the background.
    VitePWA({
      injectRegister: null,
      registerType: 'autoUpdate',
      strategies: 'generateSW',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['favicon.svg'],
      manifest: {
        name: '加梯运维 liftwatch',
        short_name: '加梯运维',
        description: '既有住宅加装电梯运维平台：维保作业、困人救援、业主账单',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1456f0',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // antd and echarts are the two large chunks; both are needed offline
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/socket\.io/, /^\/health/, /^\/metrics/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: resolve(here, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // antd marks its modules "use client" (for React Server Components); meaningless in a SPA.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      output: {
        codeSplitting: {
          groups: [
            // react first: the car's public page loads react without antd (and must not get
            // react's CommonJS wrappers hoisted into the antd chunk)
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
            { name: 'router', test: /node_modules[\\/](react-router)[\\/]/, priority: 25 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/, priority: 10 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-|@rc-component)/, priority: 20 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
