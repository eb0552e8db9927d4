// The one import-and-analyse path lives in src-shared, so the Fleet view's tests run it too.
export { importAndAnalyzeText, withoutCode } from '@shared/fleet/importAndAnalyze'
