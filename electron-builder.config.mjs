/**
 * Packaging of the desktop app (electron-builder's config format; `npx electron-builder --config
 * electron-builder.config.mjs` once electron-builder is installed, which this project does not
 * need for its tests). Nothing is downloaded at install or pack time: Electron is taken from the
 * installed `electron` package (electronDist), native modules are not rebuilt (npmRebuild: false;
 * onnxruntime-node and sharp ship prebuilt binaries for the platform npm installed).
 *
 * The app is packed into app.asar (required by the OnlyLoadAppFromAsar fuse); native addons and
 * the ffmpeg/ffprobe binaries are unpacked beside it (app.asar.unpacked), since a .node file or an
 * executable cannot be loaded from inside an archive. After packing, packaging/after-pack.mjs sets
 * Electron's fuses in the packed binary (packaging/fuses.mjs says which and why).
 */
export default {
  appId: 'org.borex.studio',
  productName: 'BOREx Studio',
  directories: { output: 'dist/app' },
  electronDist: 'node_modules/electron/dist',
  npmRebuild: false,
  asar: true,
  asarUnpack: ['**/*.node', 'node_modules/@ffmpeg-installer/**', 'node_modules/@ffprobe-installer/**', 'node_modules/sharp/**', 'node_modules/@img/**'],
  files: ['out/**', 'package.json', 'resources/**', '!**/*.map'],
  afterPack: './packaging/after-pack.mjs',
  linux: { target: ['dir', 'AppImage'], category: 'Science' },
  mac: { target: ['dir'], hardenedRuntime: true },
  win: { target: ['dir'] },
};
