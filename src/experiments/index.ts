/**
 * `rethink/experiments`: what a study file imports — `study`, `field`, the claim helpers and small
 * statistics — and the machinery behind `rethink reproduce` (plans, execution, results, reports)
 * for use as a library.
 *
 * @example
 * import { study, field, finished } from 'rethink/experiments';
 * export default study({ id: 'my-study', … });
 */
export { study, isStudy, labelsAtCorruption, verdictOf, formatValue, formatTolerance, finished, matching, unfinishedText, trainAccuracy, PROFILES } from './study.js';
export type { AnyStudy, StudySpec, Study, RunSpec, RunFit, RunOutcome, ClaimSpec, Measurement, Tolerance, Unit, PlotSpec, TableSpec, Profile, Tag, Verdict } from './study.js';
export { field, parseOverrides, parseFieldValue, resolveConfig, type ConfigSpec, type ConfigOf, type FieldSpec, type Override } from './config.js';
export { mean, median, sd, spearman, ranks } from './stats.js';
export { buildPlan, readPlan, runName, PLAN_FORMAT, type Plan, type PlannedRun, type PlannedStudy, type PlanOptions, type LoadedStudy } from './plan.js';
export { executePlan, type ExecuteOptions, type RunEvent } from './execute.js';
export { evaluatePlan, type PlanResults, type StudyResult, type ClaimResult, type RunRow } from './results.js';
export { writeReports } from './report.js';
export { BUILTIN_STUDIES, loadStudyFile, loadBuiltinStudies } from './load.js';
export { renderChart, writeChart } from '../report/charts.js';
export { MODEL_IDS, type ModelId } from '../models/registry.js';
export { RANDOMIZATIONS, type RandomizationId } from '../randomization/registry.js';
