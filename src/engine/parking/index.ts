/**
 * Parking (issue #17): what the executor and the engine need beyond stop and delete — the copy before a
 * snapshot-delete (execute.ts) and the way back from a park (resume.ts). Entry point for the engine and CLI.
 */
export { checkCopies, copiesMade, parkedEntries, parkingView, type CheckedCopy, type ParkingViewInput } from "./view.ts";
export { copyName, copyRecord, CopyRefused, ensureCopy, needsCopy, pastOf, snapshotDeleteRefusal, verbOf } from "./execute.ts";
export { scheduledResources, scheduleTick, type ScheduledResource, type ScheduleTickContext } from "./schedules.ts";
export { parkedItems, parkedResourceIds, requestResume, RESUME_RETRY_MS, resumeReason, resumeTick, type ResumeContext, type ResumeEvents } from "./resume.ts";
