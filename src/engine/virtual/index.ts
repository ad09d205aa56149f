/** Virtual resources: the seed's tree of leaves, groups and ghosts (see build.ts). */
export {
  buildVirtualInventory,
  buildVirtualResources,
  compareRoots,
  walkVirtual,
  type BuildInput,
  type VirtualInventory,
} from "./build.ts";
export { NO_DAYS, dailyCostsOf, recentSum, seriesBefore, seriesOf, sumSeries } from "./day-series.ts";
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
