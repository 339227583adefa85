Console.WriteLine("farm lighthouse");
