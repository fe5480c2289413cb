import type { Channel } from 'amqplib';
import { TOPIC_ROOT } from '../protocol/topics';

/**
 * The ingest queue on a RabbitMQ cluster. RabbitMQ's MQTT plugin publishes every device message to
 * the `amq.topic` exchange with the MQTT topic as routing key ('/' becomes '.'); this durable
 * quorum queue, bound to every device channel, takes them. A quorum queue is a Raft log replicated
 * to the cluster's nodes: a message is confirmed to the publisher — and the MQTT plugin sends the
 * device its PUBACK — once a majority of them has it on disk. Declared by whoever comes first
 * (the cluster script, before devices are let in, and every ingest worker), with the same
 * arguments.
 */
export const AMQP_INGEST_EXCHANGE = 'amq.topic';
export const AMQP_INGEST_BINDING = `${TOPIC_ROOT.replace(/\//g, '.')}.*.*`;

export async function declareIngestQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(queue, AMQP_INGEST_EXCHANGE, AMQP_INGEST_BINDING);
}

/** `lw.v1.{serial}.{channel}` → `lw/v1/{serial}/{channel}` (the MQTT topic the device used). */
export function topicOfRoutingKey(routingKey: string): string {
  return routingKey.replace(/\./g, '/');
}
