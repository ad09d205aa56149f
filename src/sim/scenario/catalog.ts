/**
 * Products the scenario bills, named like the Enterprise Dashboard names them (`OTC_<token>_<os>`, e.g. the
 * documented `OTC_D24XL8_LI`). Prices are plausible list prices in EUR, not a price list to rely on.
 */

export interface ServerFlavor {
  flavor: string;
  product: string;
  description: string;
  /** EUR per hour while running. */
  hourly: number;
}

export const ECS_FLAVORS: ServerFlavor[] = [
  { flavor: "s3.medium.2", product: "OTC_S3M_LI", description: "General Purpose s3.medium.2 Linux", hourly: 0.029 },
  { flavor: "s3.large.2", product: "OTC_S3L_LI", description: "General Purpose s3.large.2 Linux", hourly: 0.058 },
  { flavor: "s3.xlarge.2", product: "OTC_S3XL_LI", description: "General Purpose s3.xlarge.2 Linux", hourly: 0.116 },
  { flavor: "s3.2xlarge.4", product: "OTC_S32XL4_LI", description: "General Purpose s3.2xlarge.4 Linux", hourly: 0.29 },
  { flavor: "c4.xlarge.2", product: "OTC_C4XL_LI", description: "Dedicated Computing c4.xlarge.2 Linux", hourly: 0.151 },
  { flavor: "m3.2xlarge.8", product: "OTC_M32XL8_LI", description: "Memory Optimized m3.2xlarge.8 Linux", hourly: 0.47 },
  { flavor: "s3.large.2", product: "OTC_S3L_WI", description: "General Purpose s3.large.2 Windows", hourly: 0.098 },
  { flavor: "d2.4xlarge.8", product: "OTC_D24XL8_LI", description: "Disk Intensive d2.4xl.8 Linux", hourly: 2.19 },
];

/**
 * Further products billed on a server's own resource id (so they join to it), for scenarios that need several
 * records per server and day (`ecsExtraProducts`, the fleet benchmark). EUR per hour while the server runs.
 */
export const ECS_EXTRA_PRODUCTS = [
  { product: "OTC_CES_DM", description: "Cloud Eye detailed monitoring per server", quantityType: "h", hourly: 0.004 },
  { product: "OTC_IMS_LIC", description: "Image license per server", quantityType: "h", hourly: 0.012 },
] as const;

/** Relative frequency of each flavor above (big ones are rare). */
export const ECS_FLAVOR_WEIGHTS = [20, 30, 20, 10, 8, 5, 6, 1];

export interface VolumeType {
  volumeType: string;
  product: string;
  description: string;
  /** EUR per GB and month. */
  perGbMonth: number;
}

export const EVS_TYPES: VolumeType[] = [
  { volumeType: "SATA", product: "OTC_EVS_SATA", description: "Elastic Volume Service Common I/O", perGbMonth: 0.045 },
  { volumeType: "SAS", product: "OTC_EVS_SAS", description: "Elastic Volume Service High I/O", perGbMonth: 0.077 },
  { volumeType: "SSD", product: "OTC_EVS_SSD", description: "Elastic Volume Service Ultra-high I/O", perGbMonth: 0.15 },
];

export const CCE_CLUSTER_PRODUCT = {
  product: "OTC_CCE_CLUSTER_S",
  description: "Cloud Container Engine cluster management, up to 50 nodes",
  hourly: 0.12,
};

export const CCE_NODE_FLAVORS: ServerFlavor[] = [
  { flavor: "s3.xlarge.4", product: "OTC_CCE_NODE_S3XL4", description: "CCE node s3.xlarge.4 Linux", hourly: 0.15 },
  { flavor: "c4.2xlarge.2", product: "OTC_CCE_NODE_C42XL2", description: "CCE node c4.2xlarge.2 Linux", hourly: 0.3 },
];

export interface RdsFlavor {
  datastore: "MySQL" | "PostgreSQL";
  flavorRef: string;
  product: string;
  description: string;
  hourly: number;
}

export const RDS_FLAVORS: RdsFlavor[] = [
  { datastore: "MySQL", flavorRef: "rds.mysql.c2.large.ha", product: "OTC_RDS_MYSQL_C2L_HA", description: "RDS MySQL c2.large HA", hourly: 0.21 },
  { datastore: "PostgreSQL", flavorRef: "rds.pg.s3.xlarge.2.ha", product: "OTC_RDS_PG_S3XL2_HA", description: "RDS PostgreSQL s3.xlarge.2 HA", hourly: 0.36 },
  { datastore: "PostgreSQL", flavorRef: "rds.pg.s3.medium.4", product: "OTC_RDS_PG_S3M4", description: "RDS PostgreSQL s3.medium.4 single", hourly: 0.09 },
];

export const RDS_STORAGE = { product: "OTC_RDS_ST_SSD", description: "RDS Storage Ultra-high I/O", perGbMonth: 0.16 };

/** Spend that belongs to no listed resource type and carries no tags: the untaggable baseline. */
export const UNTAGGED_PRODUCTS = [
  { product: "OTC_OBS_STD", description: "Object Storage Service Standard", quantityType: "GB/Month", daily: [0.4, 6] },
  { product: "OTC_KMS_UD_C", description: "KMS Customer Masterkey", quantityType: "h", daily: [0.03, 0.04] },
  { product: "OTC_EIP_BW_D", description: "Elastic IP dedicated bandwidth", quantityType: "Mbit/s", daily: [0.5, 3] },
  { product: "OTC_ELB_ENH", description: "Elastic Load Balancer enhanced", quantityType: "h", daily: [0.6, 0.7] },
] as const;

/**
 * Owners as handles and addresses. An ECS tag value cannot hold an address (≤ 43 letters, digits, - and _), so
 * servers carry the handle and `ot3c sim` prints this map as `owners:`; other services carry the address.
 */
export const OWNER_HANDLES: Readonly<Record<string, string>> = {
  alice: "alice.schmidt@example.com",
  bob: "bob.meyer@example.com",
  carla: "carla.weber@example.com",
  deniz: "deniz.yilmaz@example.com",
  eva: "eva.fischer@example.com",
  frank: "frank.wagner@example.com",
  "platform-team": "platform-team@example.com",
};

export const OWNERS = Object.values(OWNER_HANDLES);

export const GROUPS = ["web-shop", "ci-runners", "analytics", "staging", "data-lake", "monitoring", "sandbox"];

export const NAME_STEMS = ["web", "api", "worker", "db-proxy", "build", "batch", "jump", "cache", "search", "etl"];
