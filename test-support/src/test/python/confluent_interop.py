#!/usr/bin/env python3
"""Independent Confluent client (Debian's confluent_kafka.avro) for cocostream's interop test.

consume: reads N Avro records from a topic through the schema registry, prints one JSON per line.
produce: writes the JSON records of a file with the given Avro schema, registered by the client.
"""
import argparse
import datetime
import json
import sys

from confluent_kafka import Consumer
from confluent_kafka.avro import AvroProducer, CachedSchemaRegistryClient, loads
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def to_json(value):
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    raise TypeError(type(value))


def consume(args):
    # Keys are 8-byte longs (Kafka's LongSerializer), not Avro: decode values only.
    serializer = MessageSerializer(CachedSchemaRegistryClient({'url': args.registry}))
    consumer = Consumer({
        'bootstrap.servers': args.bootstrap,
        'group.id': 'python-interop',
        'auto.offset.reset': 'earliest',
    })
    consumer.subscribe([args.topic])
    seen = 0
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    while seen < args.count and datetime.datetime.now() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print('error: %s' % msg.error(), file=sys.stderr)
            continue
        value = serializer.decode_message(msg.value(), is_key=False)
        print(json.dumps(value, default=to_json, sort_keys=True), flush=True)
        seen += 1
    consumer.close()
    return 0 if seen == args.count else 1


def produce(args):
    with open(args.schema_file) as f:
        schema = loads(f.read())
    producer = AvroProducer({
        'bootstrap.servers': args.bootstrap,
        'schema.registry.url': args.registry,
    }, default_value_schema=schema)
    with open(args.records_file) as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                prov = record['provenance']
                prov['ingest_time'] = datetime.datetime.fromtimestamp(
                    prov['ingest_time'] / 1000, tz=datetime.timezone.utc)
                producer.produce(topic=args.topic, value=record)
    producer.flush(30)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['consume', 'produce'])
    p.add_argument('--bootstrap', required=True)
    p.add_argument('--registry', required=True)
    p.add_argument('--topic', required=True)
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--schema-file')
    p.add_argument('--records-file')
    args = p.parse_args()
    return consume(args) if args.mode == 'consume' else produce(args)


if __name__ == '__main__':
    sys.exit(main())
