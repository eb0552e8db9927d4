// Types for fuses.mjs (imported by test/main/electron/fuses.test.ts).
export declare const FUSES: Readonly<Record<string, boolean>>
export declare function fuseConfig(
  fuseV1Options: Record<string, number>,
  v1: string
): Record<string, unknown>
export interface AfterPackContext {
  appOutDir: string
  electronPlatformName: string
  packager: { appInfo: { productFilename: string }; executableName?: string }
}
export interface FusesModule {
  flipFuses: (path: string, config: object) => Promise<unknown>
  FuseV1Options: Record<string, number>
  FuseVersion: { V1: string }
}
export declare function electronBinaryPath(context: AfterPackContext): string
export declare function afterPack(
  context: AfterPackContext,
  load?: () => Promise<FusesModule>
): Promise<void>
export default afterPack
