package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Topics;
import io.cocostream.streams.CocoTopology;
import io.cocostream.streams.StreamsApp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every k8s manifest read into its typed model (Strimzi's for its kinds, fabric8's for the core
 * ones and the Prometheus Operator's), no field unknown to it, and the Strimzi resources checked
 * against what the code does: the topics against {@link Topics}, the users' ACLs against the
 * topology's sources and sinks, the ingest's transactions and the application id.
 */
class TypedManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "Namespace", Namespace.class, "ConfigMap", ConfigMap.class, "Service", Service.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class, "StatefulSet", StatefulSet.class,
            "Deployment", Deployment.class, "PodDisruptionBudget", PodDisruptionBudget.class,
            "KafkaTopic", KafkaTopic.class, "KafkaUser", KafkaUser.class, "PodMonitor", PodMonitor.class);
    /** KEDA publishes no Java model: its ScaledObject is read generically and its fields checked by name. */
    private static final Set<String> UNTYPED = Set.of("ScaledObject");

    private static final Map<Path, HasMetadata> BY_FILE = new LinkedHashMap<>();

    @BeforeAll
    static void readEveryManifest() throws IOException {
        for (Path f : DeployManifestsTest.manifests()) {
            String kind = YAML.readTree(f.toFile()).path("kind").asText();
            Class<? extends HasMetadata> model = UNTYPED.contains(kind) ? GenericKubernetesResource.class : MODELS.get(kind);
            assertTrue(model != null, f + ": no model for kind " + kind);
            BY_FILE.put(f, YAML.readValue(f.toFile(), model));
        }
    }

    private static <T> List<T> all(Class<T> type) {
        return BY_FILE.values().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void noManifestHasAFieldItsModelDoesNotKnow() {
        for (Map.Entry<Path, HasMetadata> e : BY_FILE.entrySet()) {
            if (!(e.getValue() instanceof GenericKubernetesResource)) {
                List<String> unknown = new ArrayList<>();
                unknownFields(e.getValue(), "", unknown, new IdentityHashMap<>());
                assertEquals(List.of(), unknown, e.getKey() + ": fields its model does not know");
            }
        }
        // The walk can fail: a misspelt field lands in the model's additional properties.
        List<String> unknown = new ArrayList<>();
        KafkaTopic misspelt = read("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {topicName: t, partition: 3}
                """, KafkaTopic.class);
        unknownFields(misspelt, "", unknown, new IdentityHashMap<>());
        assertEquals(List.of(".spec.partition"), unknown);
    }

    @Test
    void everyTopicOfTheContractIsAKafkaTopicWithItsPartitionsAndCompaction() {
        ConfigMap config = all(ConfigMap.class).get(0);
        int partitions = Integer.parseInt(config.getData().get(ConnectionOptions.ENV_PARTITIONS));
        int replicas = Integer.parseInt(config.getData().get(ConnectionOptions.ENV_REPLICATION));
        Map<String, KafkaTopic> topics = all(KafkaTopic.class).stream()
                .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), t -> t));
        assertEquals(Topics.ALL.stream().map(Topics.TopicSpec::name).collect(Collectors.toSet()), topics.keySet());
        for (Topics.TopicSpec spec : Topics.ALL) {
            KafkaTopic t = topics.get(spec.name());
            assertEquals(spec.name().replace('.', '-'), t.getMetadata().getName(), spec.name());
            assertEquals(spec.key() == Topics.Key.NONE ? 1 : partitions, t.getSpec().getPartitions(), spec.name());
            assertEquals(replicas, t.getSpec().getReplicas(), spec.name());
            Object policy = t.getSpec().getConfig().get("cleanup.policy");
            assertEquals(spec.compacted() ? "compact" : null, policy, spec.name() + ": cleanup.policy");
            int minIsr = ((Number) t.getSpec().getConfig().get("min.insync.replicas")).intValue();
            assertTrue(minIsr > 1 && minIsr < replicas, spec.name() + ": min.insync.replicas " + minIsr);
            assertEquals("my-cluster", t.getMetadata().getLabels().get("strimzi.io/cluster"), spec.name());
        }
    }

    @Test
    void theTopologyUserReadsEverySourceWritesEverySinkAndOwnsItsApplicationId() {
        KafkaUser streams = user("cocostream-streams");
        TopologyDescription topology = CocoTopology.build(Map.of("schema.registry.url", "http://127.0.0.1:1"),
                Tolerances.DEFAULT).describe();
        Set<String> sources = new TreeSet<>();
        Set<String> sinks = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source src) {
                    sources.addAll(src.topicSet());
                } else if (n instanceof TopologyDescription.Sink sink) {
                    sinks.add(sink.topic());
                }
            }
        }
        topology.globalStores().forEach(g -> sources.addAll(g.source().topicSet()));
        // Repartition topics are named by the application id, which the user's prefix ACLs cover.
        String internal = StreamsApp.APPLICATION_ID + "-";
        for (String topic : sources) {
            String t = topic.startsWith("coco.") ? topic : internal + topic;
            assertTrue(allows(streams, topicResource(t), AclOperation.READ), "streams cannot read " + t);
        }
        assertFalse(sinks.isEmpty());
        for (String topic : sinks) {
            String t = topic.startsWith("coco.") ? topic : internal + topic;
            assertTrue(allows(streams, topicResource(t), AclOperation.WRITE), "streams cannot write " + t);
        }
        // serve's EvaluationPublisher writes the evaluations outside the topology.
        assertTrue(allows(streams, topicResource(Topics.EVALUATIONS), AclOperation.WRITE));
        assertTrue(allows(streams, topicResource(internal + "image-view-store-changelog"), AclOperation.CREATE));
        AclRuleGroupResource group = new AclRuleGroupResource();
        group.setName(StreamsApp.APPLICATION_ID);
        assertTrue(allows(streams, group, AclOperation.READ));
        assertTrue(allows(streams, transactionalId(internal + "6f1c-0"), AclOperation.WRITE));
        assertTrue(allows(streams, new AclRuleClusterResource(), AclOperation.IDEMPOTENTWRITE));
    }

    @Test
    void theIngestUserWritesDeliveriesInItsOwnTransactionsAndNothingTheTopologyWrites() {
        KafkaUser ingest = user("cocostream-ingest");
        for (io.cocostream.schemas.Kind k : io.cocostream.schemas.Kind.values()) {
            assertTrue(allows(ingest, topicResource(k.topic()), AclOperation.WRITE), "ingest cannot write " + k.topic());
        }
        for (String t : List.of(Topics.CATEGORIES, Topics.BATCHES, Topics.DEAD_LETTERS, Topics.RETRACTIONS)) {
            assertTrue(allows(ingest, topicResource(t), AclOperation.WRITE), "ingest cannot write " + t);
        }
        for (String t : List.of(Topics.BATCHES, Topics.BATCH_REPORTS)) {
            assertTrue(allows(ingest, topicResource(t), AclOperation.READ), "ingest cannot read " + t);
        }
        for (Topics.TopicSpec t : Topics.ALL) {
            assertTrue(allows(ingest, topicResource(t.name()), AclOperation.DESCRIBE), "ingest cannot describe " + t.name());
        }
        for (String t : List.of(Topics.ALERTS, Topics.IMAGE_VIEW, Topics.INSTANCES_VIEW, Topics.BATCH_REPORTS,
                Topics.EVALUATIONS)) {
            assertFalse(allows(ingest, topicResource(t), AclOperation.WRITE), "ingest may write " + t);
        }
        assertTrue(allows(ingest, transactionalId(KafkaSink.TRANSACTIONAL_ID_PREFIX + "b-1"), AclOperation.WRITE));
        assertFalse(allows(ingest, transactionalId(StreamsApp.APPLICATION_ID + "-x-0"), AclOperation.WRITE));
    }

    @Test
    void theReaderOnlyReads() {
        KafkaUser reader = user("cocostream-reader");
        for (String t : List.of(Topics.IMAGE_VIEW, Topics.INSTANCES_VIEW, Topics.PANOPTIC_VIEW, Topics.RESULTS_VIEW,
                Topics.ALERTS, Topics.BATCH_REPORTS, Topics.BATCHES, Topics.EVALUATIONS, Topics.CATEGORIES)) {
            assertTrue(allows(reader, topicResource(t), AclOperation.READ), "the reader cannot read " + t);
        }
        for (AclRule r : acls(reader)) {
            assertTrue(Set.of(AclOperation.READ, AclOperation.DESCRIBE).containsAll(r.getOperations()), r.toString());
        }
    }

    @Test
    void kedaScalesTheServeStatefulSetNoFurtherThanThePartitions() {
        ConfigMap config = all(ConfigMap.class).get(0);
        int partitions = Integer.parseInt(config.getData().get(ConnectionOptions.ENV_PARTITIONS));
        GenericKubernetesResource scaled = all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("ScaledObject")).findFirst().orElseThrow();
        assertEquals("keda.sh/v1alpha1", scaled.getApiVersion());
        Map<String, Object> spec = scaled.get("spec");
        assertEquals(Set.of("scaleTargetRef", "minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod",
                "triggers"), spec.keySet(), "ScaledObject fields");
        StatefulSet serve = all(StatefulSet.class).get(0);
        assertEquals(Map.of("apiVersion", "apps/v1", "kind", "StatefulSet", "name", serve.getMetadata().getName()),
                spec.get("scaleTargetRef"));
        int max = (Integer) spec.get("maxReplicaCount");
        int min = (Integer) spec.get("minReplicaCount");
        assertTrue(max <= partitions, "maxReplicaCount " + max + " > " + partitions + " partitions");
        assertTrue(min >= 1 && min <= serve.getSpec().getReplicas() && min < max, "minReplicaCount " + min);
        List<Map<String, Object>> triggers = scaled.get("spec", "triggers");
        assertEquals(1, triggers.size());
        Map<String, Object> metadata = (Map<String, Object>) triggers.get(0).get("metadata");
        assertTrue(metadata.get("query").toString().contains("cocostream_consumer_lag_records"), metadata.toString());
        PodMonitor monitor = all(PodMonitor.class).get(0);
        assertEquals(Map.of("app.kubernetes.io/part-of", "cocostream"), monitor.getSpec().getSelector().getMatchLabels());
    }

    private static KafkaUser user(String name) {
        KafkaUser u = all(KafkaUser.class).stream().filter(x -> x.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no KafkaUser " + name));
        assertTrue(u.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication, name);
        return u;
    }

    private static List<AclRule> acls(KafkaUser u) {
        return ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls();
    }

    /** As Kafka's authorizer decides for one resource: some rule's pattern matches it and grants the operation. */
    private static boolean allows(KafkaUser u, Object resource, AclOperation op) {
        for (AclRule r : acls(u)) {
            boolean granted = r.getOperations().contains(op) || r.getOperations().contains(AclOperation.ALL);
            if (granted && matches(r.getResource(), resource)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Object rule, Object resource) {
        if (rule.getClass() != resource.getClass()) {
            return false;
        }
        if (rule instanceof AclRuleClusterResource) {
            return true;
        }
        String[] r = nameAndPattern(rule);
        String name = nameAndPattern(resource)[0];
        return r[1].equals(AclResourcePatternType.PREFIX.toValue()) ? name.startsWith(r[0]) : name.equals(r[0]);
    }

    private static String[] nameAndPattern(Object resource) {
        if (resource instanceof AclRuleTopicResource t) {
            return new String[] {t.getName(), t.getPatternType().toValue()};
        } else if (resource instanceof AclRuleGroupResource g) {
            return new String[] {g.getName(), g.getPatternType().toValue()};
        }
        AclRuleTransactionalIdResource x = (AclRuleTransactionalIdResource) resource;
        return new String[] {x.getName(), x.getPatternType().toValue()};
    }

    private static AclRuleTopicResource topicResource(String name) {
        AclRuleTopicResource r = new AclRuleTopicResource();
        r.setName(name);
        return r;
    }

    private static AclRuleTransactionalIdResource transactionalId(String name) {
        AclRuleTransactionalIdResource r = new AclRuleTransactionalIdResource();
        r.setName(name);
        return r;
    }

    private static <T> T read(String yaml, Class<T> type) {
        try {
            return YAML.readValue(yaml, type);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every non-empty {@code additionalProperties} of the model's beans, as JSON-ish paths. */
    private static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                unknownFields(x, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi") || o.getClass().isEnum()) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue; // a derived getter that needs what the manifest does not set
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> out.add(path + "." + k));
                }
            } else if (!(v instanceof Map<?, ?>)) { // free-form maps (labels, data, a topic's config) hold user keys
                String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                unknownFields(v, path + "." + field, out, seen);
            }
        }
    }
}
