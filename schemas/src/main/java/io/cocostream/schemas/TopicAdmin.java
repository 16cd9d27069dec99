package io.cocostream.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates cocostream's topics and checks that everything keyed by image id is co-partitioned. */
public final class TopicAdmin {
    private TopicAdmin() {}

    /**
     * Creates the missing topics of {@link Topics#ALL}: image-keyed ones with {@code partitions}
     * partitions, compacted ones with {@code cleanup.policy=compact}.
     *
     * @return the names created now
     * @throws IllegalStateException if an existing image-keyed topic has another partition count
     */
    public static List<String> ensure(Map<String, Object> clientConfig, int partitions, Optional<Short> replication) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (Topics.TopicSpec t : Topics.ALL) {
                if (existing.contains(t.name())) {
                    continue;
                }
                int n = t.key() == Topics.Key.NONE ? 1 : partitions;
                Map<String, String> configs = new HashMap<>();
                if (t.compacted()) {
                    configs.put("cleanup.policy", "compact");
                }
                try {
                    admin.createTopics(List.of(new NewTopic(t.name(), Optional.of(n), replication).configs(configs)))
                            .all().get(30, TimeUnit.SECONDS);
                    created.add(t.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + t.name() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
            List<String> imageKeyed = Topics.ALL.stream().filter(t -> t.key() == Topics.Key.IMAGE_ID || t.key() == Topics.Key.RUN_IMAGE)
                    .map(Topics.TopicSpec::name).toList();
            for (TopicDescription td : describe(admin, imageKeyed).values()) {
                if (td.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + td.name() + " has " + td.partitions().size()
                            + " partitions, expected " + partitions + ": every topic keyed by image id must have the"
                            + " same partition count for joins");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach the Kafka cluster at " + clientConfig.get("bootstrap.servers")
                    + " to create topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        }
        return created;
    }

    /** Describes topics, waiting for just-created ones to reach the broker's metadata. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
