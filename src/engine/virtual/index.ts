/** Virtual resources: the seed's tree of leaves, groups and ghosts (see build.ts). */
export {
  buildVirtualInventory,
  buildVirtualResources,
  compareRoots,
  dailyFromRecords,
  sumDailies,
  walkVirtual,
  type BuildInput,
  type VirtualInventory,
} from "./build.ts";
export { CostColumns, costDates, type CostInput, type DayCell } from "./columns.ts";
export {
  MAX_PRIO,
  TAG_GROUP,
  TAG_INSTANCE,
  TAG_OWNER,
  TAG_PRIO,
  computeShare,
  ghostProductToken,
  isStorageProduct,
  parsePrio,
} from "./tags.ts";
