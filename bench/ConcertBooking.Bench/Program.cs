using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Drop;
using ConcertBooking.Bench.Pipeline;
using ConcertBooking.Bench.Web;

// Each benchmark is a command: `booking` drives the HTTP hold path, `pipeline` the outbox → Kafka → groups path,
// `web` the fans' pages and live seat-map watchers.
// `drop` a ticket drop through the waiting room.
ICommand[] commands =
[
    new BookingCommand(),
    new PipelineBenchmarkCommand(),
    new WebCommand(),
    new DropCommand(),
];

return await new CommandDispatcher(commands).RunAsync(args);
