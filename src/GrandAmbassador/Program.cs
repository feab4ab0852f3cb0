using GrandAmbassador.CommandLine;

return await AmbassadorCommandLine.RunAsync(args);
