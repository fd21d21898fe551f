package hapc.runtime;

/**
 * What hapc takes from a server's {@code show stat} line.
 *
 * @param backup whether it is a backup server ({@code bck}): what a capacity count leaves out
 */
public record StatRow(String server, String status, int weight, String address, ServerLoad load, String checkStatus,
        boolean backup) {
}
