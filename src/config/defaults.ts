import type { AnalyzerSettings, PortSpec } from './settings.js';
import { DEFAULT_BREADTH_THRESHOLDS } from './settings.js';

function tcp(name: string, from: number, to: number = from): PortSpec {
  return { protocol: 'tcp', from, to, name };
}

function udp(name: string, from: number, to: number = from): PortSpec {
  return { protocol: 'udp', from, to, name };
}

/**
 * Admin, data-store and infrastructure ports that must never face the internet; exposure of one
 * of these to the internet at large is critical. The list is the union of what CIS benchmarks,
 * cloud vendors' own advisors and the widely used open-port checks for Alibaba Cloud security
 * groups flag. Names are what a finding prints next to the port (`tcp/5601 Kibana`).
 */
function defaultSensitivePorts(): PortSpec[] {
  return [
    tcp('FTP', 20, 21),
    tcp('SSH', 22),
    tcp('Telnet', 23),
    tcp('SMTP', 25),
    tcp('DNS', 53),
    udp('DNS', 53),
    tcp('RPC portmapper', 111),
    udp('RPC portmapper', 111),
    tcp('MS RPC', 135),
    udp('NetBIOS', 137, 138),
    tcp('NetBIOS', 139),
    tcp('LDAP', 389),
    tcp('SMB', 445),
    udp('SMB', 445),
    tcp('SQL Server', 1433),
    udp('SQL Server browser', 1434),
    tcp('Oracle', 1521, 1522),
    tcp('NFS', 2049),
    tcp('ZooKeeper', 2181),
    tcp('Docker API', 2375, 2376),
    tcp('etcd', 2379, 2380),
    tcp('Oracle', 2483),
    tcp('MySQL', 3306),
    tcp('RDP', 3389),
    udp('RDP', 3389),
    tcp('mSQL', 4333),
    tcp('Salt', 4505, 4506),
    tcp('PostgreSQL', 5432),
    tcp('VNC listener', 5500),
    tcp('Kibana', 5601),
    tcp('RabbitMQ', 5672),
    tcp('VNC', 5900, 5903),
    tcp('CouchDB', 5984),
    tcp('WinRM', 5985, 5986),
    tcp('X11', 6000, 6063),
    tcp('Redis', 6379),
    tcp('Kubernetes API', 6443),
    tcp('Hadoop NameNode', 8020),
    tcp('Cassandra', 9042),
    tcp('Kafka', 9092),
    tcp('Elasticsearch', 9200),
    tcp('Elasticsearch', 9300),
    tcp('kubelet', 10250),
    tcp('Memcached', 11211),
    udp('Memcached', 11211),
    tcp('RabbitMQ management', 15672),
    tcp('MongoDB', 27017, 27019),
    tcp('Hadoop NameNode', 50070),
    tcp('Hadoop NameNode', 50470),
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
    breadth: { ...DEFAULT_BREADTH_THRESHOLDS },
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
