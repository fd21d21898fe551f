package hapc.runtime;

/**
 * What hapc takes from a server's {@code show stat} line.
 *
 * @param backup the {@code bck} column: a backup server (takes traffic only when no active one is up)
 */
public record StatRow(String server, String status, int weight, String address, ServerLoad load, String checkStatus,
        boolean backup) {
}
