using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;

// Each benchmark is a command: `booking` drives the HTTP hold path; further ones (e.g. `pipeline`) are added here.
ICommand[] commands =
[
    new BookingCommand(),
];

return await new CommandDispatcher(commands).RunAsync(args);
