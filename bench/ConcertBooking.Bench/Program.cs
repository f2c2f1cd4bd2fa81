using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Pipeline;
using ConcertBooking.Bench.Web;

// Each benchmark is a command: `booking` drives the HTTP hold path, `pipeline` the outbox → Kafka → groups path,
// `web` the fans' pages and live seat-map watchers.
ICommand[] commands =
[
    new BookingCommand(),
    new PipelineBenchmarkCommand(),
    new WebCommand(),
];

return await new CommandDispatcher(commands).RunAsync(args);
