declare const config: {
  appId: string;
  productName: string;
  electronDist: string;
  npmRebuild: boolean;
  asar: boolean;
  asarUnpack: string[];
  files: string[];
  afterPack: string;
  [key: string]: unknown;
};
export default config;
