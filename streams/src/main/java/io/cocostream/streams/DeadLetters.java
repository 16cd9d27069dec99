package io.cocostream.streams;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The topologies' exception handlers: a record that cannot be read or processed goes to
 * {@code coco.dead-letters.v1} as a DeadLetter (reason, processor, source topic, partition,
 * offset, raw bytes in base64) and processing resumes; nothing stops the topology, nothing is
 * dropped silently. Configured from the Streams config, registry settings included.
 */
public final class DeadLetters implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private AvroSerializer<DeadLetter> serializer;

    @Override
    public void configure(Map<String, ?> configs) {
        serializer = new AvroSerializer<>();
        serializer.configure(configs, false);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return DeserializationExceptionHandler.Response.resume(
                List.of(letter(context, "cannot deserialize: " + exception.getMessage(), record.value())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
            Exception exception) {
        return ProcessingExceptionHandler.Response.resume(
                List.of(letter(context, "cannot process: " + exception, context.sourceRawValue())));
    }

    private ProducerRecord<byte[], byte[]> letter(ErrorHandlerContext c, String reason, byte[] raw) {
        DeadLetter d = DeadLetter.newBuilder().setReason(reason).setStage(c.processorNodeId())
                .setRaw(raw == null ? null : Base64.getEncoder().encodeToString(raw))
                .setTopic(c.topic()).setPartition(c.partition()).setOffset(c.offset())
                .setOccurredAt(Instant.now()).build();
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, serializer.serialize(Topics.DEAD_LETTERS, d));
    }
}
