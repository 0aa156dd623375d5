package io.github.landscape4j.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Metadata of one recorded run, written once when the listener first sees the model.
 *
 * @param runId          the DL4J session id of the run (unique within a store)
 * @param workerId       the DL4J worker id that recorded it
 * @param name           user-given run name
 * @param tags           user-given tags
 * @param seed           seed of the plugin's own random generator (directions, probe sample)
 * @param startTime      when recording started
 * @param modelClass     {@code MultiLayerNetwork} or {@code ComputationGraph} (simple class name)
 * @param modelConfigJson the model configuration as DL4J JSON
 * @param numParams      number of parameters
 * @param tensors        parameter tensors in flattened order
 * @param listenerConfig the listener's options, by their option names
 * @param versions       library versions (landscape4j, DL4J, Java)
 * @param schemaVersion  record schema version the run was written with
 * @param measures       what each measure of its snapshots is (empty for runs recorded before descriptors were
 *                       stored: {@code LandscapeEngine.measures} of its options describes them)
 */
public record RunInfo(String runId, String workerId, String name, List<String> tags, long seed, Instant startTime,
                      String modelClass, String modelConfigJson, long numParams, List<ParameterTensor> tensors,
                      Map<String, String> listenerConfig, Map<String, String> versions, int schemaVersion,
                      List<MeasureDescriptor> measures) {
    public RunInfo {
        tags = List.copyOf(tags);
        tensors = List.copyOf(tensors);
        listenerConfig = Map.copyOf(listenerConfig);
        versions = Map.copyOf(versions);
        measures = measures == null ? List.of() : List.copyOf(measures);
    }
}
