using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Drop;
using ConcertBooking.Bench.Pipeline;

// Each benchmark is a command: `booking` drives the HTTP hold path, `pipeline` the outbox → Kafka → groups path,
// `drop` a ticket drop through the waiting room.
ICommand[] commands =
[
    new BookingCommand(),
    new PipelineBenchmarkCommand(),
    new DropCommand(),
];

return await new CommandDispatcher(commands).RunAsync(args);
