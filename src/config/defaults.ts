import type { AnalyzerSettings, PortSpec } from '../analyze/checks/types.js';

function tcp(name: string, from: number, to: number = from): PortSpec {
  return { protocol: 'tcp', from, to, name };
}

function udp(name: string, from: number, to: number = from): PortSpec {
  return { protocol: 'udp', from, to, name };
}

/**
 * Admin and data-store ports that must never face the internet. Exposure of one of these is
 * critical; the list is the union of what CIS benchmarks and cloud vendors' own advisors flag.
 */
export function defaultSensitivePorts(): PortSpec[] {
  return [
    tcp('ssh', 22),
    tcp('telnet', 23),
    tcp('ftp', 20, 21),
    tcp('rdp', 3389),
    udp('rdp', 3389),
    tcp('vnc', 5900, 5903),
    tcp('netbios', 139),
    tcp('smb', 445),
    udp('netbios', 137, 138),
    tcp('mssql', 1433),
    tcp('oracle', 1521),
    tcp('mysql', 3306),
    tcp('postgres', 5432),
    tcp('mongodb', 27017, 27019),
    tcp('redis', 6379),
    tcp('memcached', 11211),
    udp('memcached', 11211),
    tcp('elasticsearch', 9200),
    tcp('elasticsearch', 9300),
    tcp('cassandra', 9042),
    tcp('couchdb', 5984),
    tcp('docker', 2375, 2376),
    tcp('kubernetes-api', 6443),
    tcp('kubelet', 10250),
    tcp('etcd', 2379, 2380),
    tcp('ldap', 389),
    tcp('rpc', 111),
    udp('rpc', 111),
    tcp('nfs', 2049),
    tcp('winrm', 5985, 5986),
    tcp('x11', 6000, 6063),
    tcp('hadoop', 50070),
    tcp('kafka', 9092),
    tcp('zookeeper', 2181),
    tcp('rabbitmq', 5672),
    tcp('rabbitmq-management', 15672),
  ];
}

/** The settings used when sgaudit.yaml says nothing; a fresh object each call, so callers may mutate it. */
export function defaultAnalyzerSettings(): AnalyzerSettings {
  return {
    allowedPublicPorts: [
      { protocol: 'tcp', from: 80, to: 80, name: 'http' },
      { protocol: 'tcp', from: 443, to: 443, name: 'https' },
    ],
    sensitivePorts: defaultSensitivePorts(),
    broadPortSpan: 100,
    broadSourcePrefix: 16,
    broadSourcePrefixV6: 48,
    maxGroupsPerEni: 5,
    internalTier: {
      tags: [
        { key: 'tier', values: ['internal', 'private', 'backend', 'db', 'database'] },
        { key: 'Tier', values: ['internal', 'private', 'backend', 'db', 'database'] },
        { key: 'env-tier', values: ['internal', 'private', 'backend', 'db', 'database'] },
      ],
      instanceNamePatterns: ['db-*', '*-db-*', '*internal*'],
      groupNamePatterns: ['*internal*', '*db*'],
    },
  };
}
