/**
 * The JSON the Huawei Cloud SDKs hand back. Their response classes declare camelCase accessors,
 * but a response is the API's JSON object as parsed (snake_case keys, e.g. `security_group_id`,
 * `OS-EXT-IPS:port_id`): these are the keys, as the API reference and the SDK models'
 * constructors name them. Values are `unknown` until the normalizer has checked them. These types
 * never leave `collect/`.
 */
export type WireObject = Readonly<Record<string, unknown>>;

/** VPC v3 SecurityGroup: id, name, description, created_at, tags [{key, value}]. */
export type WireSecurityGroup = WireObject;
/** VPC v3 SecurityGroupRule: id, security_group_id, direction, protocol, ethertype, multiport, action, priority, remote_*, enabled, created_at. */
export type WireRule = WireObject;
/** VPC v3 AddressGroup: id, name, ip_version, ip_set, ip_extra_set [{ip, remarks}]. */
export type WireAddressGroup = WireObject;
/** VPC v2 Port: id, name, network_id, fixed_ips [{ip_address}], device_id, device_owner, status, security_groups (sequence order). */
export type WirePort = WireObject;
/** ECS ServerDetail: id, name, status, addresses {vpc: [{addr, version, OS-EXT-IPS:type, OS-EXT-IPS:port_id, primary}]}, security_groups, metadata, tags ["k=v"]. */
export type WireServer = WireObject;
