using Monitoring.Manager;

var app = await ManagerApp.CreateAsync(args);
await app.RunAsync();
