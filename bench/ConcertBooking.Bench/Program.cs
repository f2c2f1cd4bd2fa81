using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Pipeline;

// Each benchmark is a command: `booking` drives the HTTP hold path, `pipeline` the outbox → Kafka → groups path.
ICommand[] commands =
[
    new BookingCommand(),
    new PipelineBenchmarkCommand(),
];

return await new CommandDispatcher(commands).RunAsync(args);
