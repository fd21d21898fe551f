package hapc.reload;

import hapc.runtime.Process;
import hapc.runtime.WorkerCli;
import java.util.List;

/**
 * What a reload ended with: the processes after it, the new worker's CLI (to give states back
 * on), and HAProxy's startup messages when it printed some (master CLI, 2.7+).
 */
public record ReloadResult(List<Process> workersAfter, WorkerCli newWorker, List<String> startupOutput) {
}
