package hapc.action;

import hapc.output.Outcome;

/** One action of the contract: reads what it needs from HAProxy or the config, answers. */
public interface ActionHandler {
    Outcome run(Context context);
}
