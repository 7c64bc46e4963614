/**
 * The training pipeline (pure: tables and options in, a run and its serving artifact out): what
 * lib/training (the tenant's stored data, the registry) and tests build on.
 */
export {
  planTraining,
  stageSteps,
  trainOnTable,
  TRAINING_STAGES,
  type ModelMetrics,
  type ProgressFn,
  type SegmentMetrics,
  type StageReport,
  type TrainingPlan,
  type TrainingRun,
  type TrainingStageName,
  type TrainingTrial,
  type TrainOnTableInput,
  type TrainOptions,
} from './train';
export { chooseBest, featuresStage, tuningStage, validationStage, fitAndForecast, evaluationStage, intervalsStage, refitStage } from './stages';
export { artifactPredictor, loadForecaster, trainingArtifactSchema, ARTIFACT_KIND, ARTIFACT_SCHEMA_VERSION, type TrainingArtifact } from './artifact';
export { ALGORITHMS, type Algorithm, type BaseAlgorithm, type ModelParams } from './models';
export { scoreArtifact, scorecardOf, segmentLabels } from './scorecard';
