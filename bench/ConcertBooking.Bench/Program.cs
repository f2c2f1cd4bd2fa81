using ConcertBooking.Bench.Pipeline;

// Minimal dispatcher for this branch; the `booking` command lives on another branch and is reconciled at merge.
return args.FirstOrDefault() switch
{
    "pipeline" => await PipelineCommand.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ConcertBooking.Bench pipeline [--events 40000] [--steady-seconds 20] [--lag-events 200000]");
    return 2;
}
