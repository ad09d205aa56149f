/**
 * Confluent Cloud wire shapes (reference/confluent-chargeback.md §2, §8): only the fields we read. Shared by the
 * client and the simulator, so both speak exactly the same documented format.
 */

export interface ListMetadata {
  first?: string;
  last?: string;
  prev?: string;
  /** Absolute URL of the next page, carrying `page_token`; absent on the last page. */
  next?: string;
  total_size?: number;
}

export interface ListResponse<T> {
  api_version: string;
  kind: string;
  metadata: ListMetadata;
  data: T[];
}

export interface ObjectMeta {
  self?: string;
  resource_name?: string;
  created_at?: string;
  updated_at?: string;
  deleted_at?: string;
}

export interface WireCost {
  id?: string;
  start_date: string;
  end_date: string;
  granularity?: string;
  product: string;
  line_type: string;
  description?: string;
  price?: number;
  unit?: string;
  quantity?: number;
  original_amount?: number;
  discount_amount?: number;
  amount: number;
  network_access_type?: string;
  tier_dimensions?: Record<string, unknown>;
  resource?: { id?: string; display_name?: string; environment?: { id?: string } };
}

export interface WireEnvironment {
  id: string;
  display_name: string;
  metadata: ObjectMeta;
}

export interface WireKafkaCluster {
  id: string;
  spec: {
    display_name: string;
    cloud?: string;
    region?: string;
    availability?: string;
    kafka_bootstrap_endpoint?: string;
    environment: { id: string };
  };
  metadata: ObjectMeta;
}

export interface WireServiceAccount {
  id: string;
  display_name: string;
  description?: string;
  metadata: ObjectMeta;
}

export interface WireUser {
  id: string;
  email?: string;
  full_name: string;
  metadata: ObjectMeta;
}

export interface WireApiKey {
  id: string;
  spec: {
    display_name?: string;
    description?: string;
    owner: { id: string; kind?: string };
    resource: { id: string; kind?: string; environment?: string };
  };
  metadata: ObjectMeta;
}

export interface WireIdentityProvider {
  id: string;
  display_name: string;
  issuer?: string;
  metadata: ObjectMeta;
}

export interface WireIdentityPool {
  id: string;
  display_name: string;
  identity_claim?: string;
  filter?: string;
  metadata: ObjectMeta;
}

/** One value of `GET /connect/v1/environments/{env}/clusters/{lkc}/connectors?expand=info,status,id`. */
export interface WireConnectorExpanded {
  id: { id: string; id_type?: string };
  info: { name: string; type?: string; config: Record<string, string> };
  status: { name: string; connector: { state: string; worker_id?: string; trace?: string }; tasks?: unknown[]; type?: string };
}

export interface WireKsqlCluster {
  id: string;
  spec: {
    display_name: string;
    csu: number;
    environment: { id: string };
    kafka_cluster: { id: string; environment?: string };
    credential_identity?: { id: string };
    use_detailed_processing_log?: boolean;
  };
  metadata: ObjectMeta;
}

export interface WireSchemaRegistry {
  id: string;
  spec: {
    display_name?: string;
    package?: string;
    cloud?: string;
    region?: string;
    http_endpoint?: string;
    environment: { id: string };
  };
  metadata: ObjectMeta;
}

export interface WireFlinkPool {
  id: string;
  spec: {
    display_name: string;
    cloud?: string;
    region?: string;
    max_cfu?: number;
    environment: { id: string };
  };
  metadata: ObjectMeta;
}
